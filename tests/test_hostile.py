"""Hostile files and hostile runs (issue 16): every input here is built at test time, small.

Each test names the class it pins: outputs onto inputs, links out of --out, formula cells,
bombs and huge pages, bad options, FIFOs, signals, dying workers, bad golden and agency
files, library log lines and control characters in file names.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
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


def grid_pdf(cells: list[list[str]], media: bytes = b"[0 0 595 842]") -> bytes:
    """A ruled grid of ``cells`` (rows of strings) in Helvetica 10 pt."""
    return one_page_pdf(grid_content(cells), media=media)


def grid_content(cells: list[list[str]]) -> bytes:
    """The content stream of ``grid_pdf``."""
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
    return b"\n".join(ops)


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


def formula_report(tmp_path: Path) -> Path:
    """Our JSON report of word_grid_a4 with formula text in an action and a lead agency."""
    data = json.loads(GOLDEN_JSON.read_text("utf-8"))
    data["rows"][0]["action"] = "=HYPERLINK(\"http://x\")"
    data["rows"][0]["lead_agencies"] = ["+cmd|' /C calc'!A0"]
    path = tmp_path / "formulas.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


@pytest.mark.parametrize("command", ["diff", "summary"])
def test_diff_and_summary_csv_take_csv_safe_and_it_is_off_by_default(tmp_path, command):
    hostile = formula_report(tmp_path)
    inputs = [GOLDEN_JSON, hostile] if command == "diff" else [hostile]
    cells = {}
    for flag in ("", "--csv-safe"):
        out = tmp_path / f"{command}{flag}.csv"
        result = run(command, *inputs, "--format", "csv", "--out", out, *([flag] if flag else []))
        assert result.exit_code == 0, result.output
        cells[flag] = [c for row in csv.reader(out.open(encoding="utf-8")) for c in row]
    assert not any(c.startswith("'") for c in cells[""])
    formulas = [c for c in cells[""] if c.startswith(("=", "+"))]
    assert formulas  # the hostile text reached the CSV
    assert all("'" + c in cells["--csv-safe"] for c in formulas)
    assert not any(c.startswith(("=", "+")) for c in cells["--csv-safe"])


# --- memory and time bounds ------------------------------------------------------------------


def bomb_pdf(inflated: int) -> bytes:
    """One page whose content stream (spaces) inflates to ``inflated`` bytes."""
    z = zlib.compressobj(1)
    block = b" " * 2**20
    data = b"".join(z.compress(block) for _ in range(inflated // len(block))) + z.flush()
    content = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        content + b"\nendstream",
    ]
    return pdf_bytes(objects)


def cmap_bomb_pdf() -> bytes:
    """A font whose ToUnicode CMap maps a range of 2^32 codes."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
            b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange\n"
            b"endcmap end end\n")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
         b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
        stream(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        stream(cmap),
    ]
    return pdf_bytes(objects)


def slow_pdf() -> bytes:
    """A page of three million no-op operators: seconds of parsing, no memory."""
    return one_page_pdf(b"q Q " * 3_000_000, compress=True)


def test_a_decompression_bomb_is_one_error_line_not_gigabytes(tmp_path):
    pdf = tmp_path / "bomb.pdf"
    pdf.write_bytes(bomb_pdf(80 * 2**20))   # 350 KB that inflate to 80 MiB
    assert pdf.stat().st_size < 2**20
    line = one_line_error(run("extract", pdf, "--out", tmp_path / "out", "--workers", 1), 1)
    assert "bomb.pdf: damaged or hostile PDF (page 1: a stream inflates to more than" in line


def test_a_cmap_range_of_billions_is_a_hostile_pdf_error(tmp_path, monkeypatch):
    from safecity_extract import extract, limits
    from safecity_extract.errors import HostilePDF

    monkeypatch.setattr(limits, "MAX_CMAP_ENTRIES", 20_000)  # the real cap, 2**18, is slower

    pdf = tmp_path / "cmap.pdf"
    pdf.write_bytes(cmap_bomb_pdf())
    with pytest.raises(HostilePDF, match="CMap has more than"):
        extract(pdf)


def test_a_stream_under_the_cap_still_inflates_exactly():
    from safecity_extract.limits import _bounded_inflate, _decompress_corrupted

    data = bytes(range(256)) * 4096
    assert _bounded_inflate(zlib.compress(data), 2**20) == data
    # pdfminer's fallback for a bad checksum keeps what inflated before it
    assert _decompress_corrupted(zlib.compress(data)[:-2]) == data


def _hog_or_extract(path: str, **kwargs: object) -> object:
    """An extractor for the workers: a file named hog*.pdf asks for 64 GiB."""
    from safecity_extract import extract

    if Path(path).name.startswith("hog"):
        return bytearray(64 * 2**30)
    return extract(path, **kwargs)


def test_memory_error_in_a_worker_is_one_line_and_the_batch_goes_on(tmp_path):
    from safecity_extract.batch import collect_inputs, run_batch
    from safecity_extract.executors import LocalPool
    from safecity_extract.workers import Bounds

    shutil.copyfile(SAMPLE, tmp_path / "good.pdf")
    shutil.copyfile(SAMPLE, tmp_path / "hog.pdf")
    result = run_batch(collect_inputs([tmp_path]), tmp_path / "out", executor=LocalPool(1),
                       bounds=Bounds(120, 1024), extract_fn=_hog_or_extract)
    assert [(f.input.name, f.status) for f in result.files] == [("good.pdf", "ok"),
                                                                ("hog.pdf", "failed")]
    assert result.failed[0].error == (f"{tmp_path / 'hog.pdf'}: ran out of memory (over "
                                      "--max-memory 1024 MB): a damaged or hostile PDF, or "
                                      "raise --max-memory")


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "-1"])
@pytest.mark.parametrize("command", ["extract", "check", "tables", "review"])
def test_timeout_must_be_a_finite_number_of_seconds(tmp_path, command, value):
    target = {"extract": ["--out", tmp_path / "o"], "check": ["--golden", tmp_path / "g"],
              "tables": ["--out", tmp_path / "o"], "review": ["--out", tmp_path / "r.html"]}
    result = run(command, SAMPLE, *target[command], "--timeout", value)
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.stderr
    assert not (tmp_path / "o").exists() and not (tmp_path / "g").exists()


@pytest.mark.parametrize("command", ["tables", "inspect", "review", "check", "extract"])
def test_every_command_that_reads_a_pdf_honours_timeout(tmp_path, command):
    pdf = tmp_path / "slow.pdf"
    pdf.write_bytes(slow_pdf())
    target = {"check": ["--golden", tmp_path / "g"], "review": ["--out", tmp_path / "r.html"],
              "extract": ["--out", tmp_path / "o", "--review"]}.get(command,
                                                                 ["--out", tmp_path / "o"])
    result = run(command, pdf, *target[:2], *target[2:], "--timeout", "1")
    assert result.exit_code == 1, result.output
    assert f"{pdf}: timed out after 1 s" in result.output
    assert "Traceback" not in result.output


def self_length_pdf() -> bytes:
    """A content stream whose /Length is an object that refers to itself: pdfminer follows it
    for ever (no memory, all time)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length 5 0 R >>\nstream\nBT ET\nendstream", b"5 0 R"]
    return pdf_bytes(objects)


GOLDEN_JSON = SAMPLES.parent / "golden" / "word_grid_a4.json"


# (extract FILE -o - takes the same path as stdin, after the copy)
@pytest.mark.parametrize("command", ["diff", "summary", "extract - (stdin)"])
def test_diff_summary_and_stdout_read_pdfs_in_a_bounded_worker(tmp_path, command):
    pdf = tmp_path / "loop.pdf"
    pdf.write_bytes(self_length_pdf())
    args = {"diff": ["diff", GOLDEN_JSON, pdf], "summary": ["summary", pdf],
            "extract -o -": ["extract", pdf, "-o", "-"], "extract - (stdin)": ["extract", "-"]}
    result = CliRunner().invoke(main, [str(a) for a in args[command]] + ["--timeout", "1"],
                                input=pdf.read_bytes(), catch_exceptions=False)
    name = "stdin" if "stdin" in command else str(pdf)
    assert one_line_error(result, 1) == f"error: {name}: timed out after 1 s"
    assert result.stdout == ""


def test_a_pdf_on_stdin_is_read_only_up_to_the_pdf_size_limit(tmp_path, monkeypatch):
    from safecity_extract import extract, limits
    from safecity_extract.errors import TooLarge

    monkeypatch.setattr(limits, "MAX_PDF_BYTES", 2**20)
    endless = SAMPLE.read_bytes() + b"%" * 2**21  # as if a pipe never ended
    result = CliRunner().invoke(main, ["extract", "-"], input=endless, catch_exceptions=False)
    assert one_line_error(result, 1) == ("error: stdin: larger than 1 MiB, the most a PDF may "
                                         "be: not read; is it the right file?")
    big = tmp_path / "big.pdf"
    big.write_bytes(endless)
    with pytest.raises(TooLarge, match="big.pdf: larger than"):
        extract(big)
    assert limits.MAX_PDF_BYTES > 0 and extract(SAMPLE).rows  # (the real limit: far above)


def test_page_images_are_capped_in_pixels_and_say_so(tmp_path, monkeypatch):
    from safecity_extract import limits
    from safecity_extract.pdf import render_page_capped

    monkeypatch.setattr(limits, "MAX_PAGE_PIXELS", 1_000_000)
    pdf = tmp_path / "huge.pdf"
    pdf.write_bytes(one_page_pdf(b"", media=b"[0 0 14400 14400]"))  # 200 x 200 inches
    image, used, note = render_page_capped(pdf, 1, 300)
    assert image.width * image.height <= 1_000_000
    assert used < 300
    assert note.startswith("page 1: drawn at") and "200 x 200 inches" in note
    assert render_page_capped(SAMPLE, 1, 72)[1:] == (72, "")


@pytest.mark.parametrize("command", ["inspect", "review"])
def test_a_200_inch_page_is_drawn_smaller_through_the_cli_within_1_gib(tmp_path, command):
    from PIL import Image

    from safecity_extract.limits import MAX_PAGE_PIXELS

    pdf = tmp_path / "huge.pdf"
    pdf.write_bytes(grid_pdf([["Priority", "Action", "Lead Agency", "Update"],
                              ["1", "Do a thing", "Police", "Done"]],
                             media=b"[0 0 14400 14400]"))  # 200 x 200 inches
    out = tmp_path / "out"
    extra = ["--resolution", "300"] if command == "inspect" else []
    result = run(command, pdf, "--out", out if command == "inspect" else out / "r.html",
                 *extra, "--max-memory", 1024)  # (uncapped: 1.6 Gpx, 4.8 GB at 300 dpi)
    assert result.exit_code == 0, result.output
    assert f"warning: {pdf}: page 1: drawn at 31.6 pixels per inch, not " in result.stderr
    assert ("the page is 200 x 200 inches and page images are capped at 40,000,000 pixels"
            in result.stderr)
    assert "Traceback" not in result.output
    if command == "inspect":
        with Image.open(out / "huge-p1.png") as image:  # the square page, a legend below
            width, height = image.size
        assert width * width <= MAX_PAGE_PIXELS and height - width < 0.01 * height
    else:
        assert "data:image/png;base64," in (out / "r.html").read_text("utf-8")


def test_a_fifo_or_device_is_never_read_as_a_pdf_golden_or_agencies_file(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    line = one_line_error(run("extract", fifo, "--out", tmp_path / "o", "--workers", 1), 1)
    assert "pipe.pdf: is a FIFO (named pipe), not a PDF file" in line
    for agencies in (fifo, Path("/dev/zero")):
        result = run("agencies", "list", "--agencies", agencies)
        assert result.exit_code == 2 and "not a file" in result.stderr
    golden = tmp_path / "golden"
    golden.mkdir()
    os.mkfifo(golden / "word_grid_a4.json")
    result = run("check", SAMPLE, "--golden", golden, "--timeout", 0, "--max-memory", 0)
    assert result.exit_code == 1
    assert "word_grid_a4.json: golden file is a FIFO (named pipe), not a file" in result.output


def test_a_large_agencies_file_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    from safecity_extract import limits
    from safecity_extract.agencies import load_agencies
    from safecity_extract.errors import DataFileError

    monkeypatch.setattr("safecity_extract.agencies.MAX_AGENCIES_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text("canonical,alias,kind\n" + "A,B,name\n" * 200, "utf-8")
    with pytest.raises(DataFileError, match="larger than"):
        load_agencies(big)
    assert limits.MAX_AGENCIES_BYTES >= 2**20


# --- interrupts and worker faults ------------------------------------------------------------


def _slow_tree(root: Path, slow: int) -> Path:
    root.mkdir()
    shutil.copyfile(SAMPLE, root / "a_good.pdf")
    data = slow_pdf()
    for n in range(slow):
        (root / f"b_slow{n}.pdf").write_bytes(data)
    return root


def _children(pid: int) -> list[int]:
    """Every process whose parent is ``pid``, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(tree: Path, out: Path, *extra: str) -> subprocess.Popen:
    """The CLI started as a terminal starts a command: Ctrl-C (SIGINT) at its default.

    pytest itself may run with SIGINT ignored (a background job, ``cmd &`` in a script or a
    tool, ignores it), and an ignored signal stays ignored across exec: Python would then not
    turn Ctrl-C into KeyboardInterrupt in the CLI, which would read its whole batch instead.
    A handled signal is reset to its default in the child."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(COMMAND + ["extract", str(tree), "--out", str(out), "--workers",
                                           "2", "--timeout", "0", *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
    finally:
        signal.signal(signal.SIGINT, previous)


def _wait_for(condition, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached")
        time.sleep(0.1)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and signals")
@pytest.mark.parametrize("how, code", [("SIGINT", 130), ("SIGTERM", 143)])
def test_ctrl_c_and_sigterm_mid_batch_print_one_line(tmp_path, how, code):
    tree = _slow_tree(tmp_path / "in", 3)
    out = tmp_path / "out"
    proc = _start(tree, out, "-q")
    _wait_for(lambda: (out / "a_good.json").exists() and (out / "a_good.csv").exists())
    time.sleep(0.5)
    if how == "SIGINT":  # a terminal's Ctrl-C goes to the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err.splitlines() == [
        "interrupted: 1 of 4 files done; outputs written so far are complete"]
    assert sorted(p.name for p in out.iterdir()) == ["a_good.csv", "a_good.json"]


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
def test_a_worker_ignores_ctrl_c_while_it_is_still_starting():
    """A terminal's Ctrl-C also reaches a worker that has not yet made its own process group
    (it is still importing): it must not die of it, printing a KeyboardInterrupt traceback."""
    import multiprocessing

    from safecity_extract.executors import ExtractJob, _Worker
    from tests.slow_start_extract import slow_start_extract

    worker = _Worker(multiprocessing.get_context("spawn"), ExtractJob(extract_fn=slow_start_extract))
    try:
        time.sleep(1)  # within its 3 s import of slow_start_extract, before worker_start
        os.kill(worker.process.pid, signal.SIGINT)
        assert worker.conn.poll(60)
        assert worker.conn.recv() == ("ready",)  # (EOFError if it died)
    finally:
        worker.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and prctl")
def test_workers_die_with_their_parent(tmp_path):
    tree = _slow_tree(tmp_path / "in", 2)
    proc = _start(tree, tmp_path / "out", "-q")
    _wait_for(lambda: len(_children(proc.pid)) >= 3)  # two workers and the resource tracker
    time.sleep(1)
    children = _children(proc.pid)
    proc.kill()
    proc.communicate(timeout=30)
    _wait_for(lambda: not any(_alive(pid) for pid in children), timeout=30)


def test_workers_dying_at_start_up_still_give_every_outcome_and_the_summary(tmp_path):
    for name in ("a.pdf", "b.pdf"):
        shutil.copyfile(SAMPLE, tmp_path / name)
    result = run("extract", tmp_path / "a.pdf", tmp_path / "b.pdf", "--out", tmp_path / "o",
                 "--workers", 1, "--max-memory", 1)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    # (with 1 MiB the worker fails to load what it needs, or dies: either way, one line each)
    assert [ln.split(": ", 1)[0] for ln in lines[:2]] == ["error"] * 2
    assert [Path(ln.split(": ")[1]).name for ln in lines[:2]] == ["a.pdf", "b.pdf"]
    assert lines[2].startswith("0 files ok, 2 failed, 0 rows")
    assert len(lines) == 3
    assert "Traceback" not in result.stderr


def test_a_failing_combined_target_still_reports_every_file_and_the_summary(tmp_path):
    (tmp_path / "file").write_text("not a folder", "utf-8")
    shutil.copyfile(SAMPLE, tmp_path / "a.pdf")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.4\nbroken")
    result = run("extract", tmp_path / "a.pdf", tmp_path / "bad.pdf", "--out", tmp_path / "o",
                 "--workers", 1, "--combined", tmp_path / "file" / "all.csv")
    assert result.exit_code == 1
    err = result.stderr
    assert "bad.pdf: damaged or truncated PDF" in err
    assert f"error: {tmp_path / 'file' / 'all.csv'}: cannot write" in err
    assert err.splitlines()[-1].startswith("1 file ok, 1 failed,")
    assert (tmp_path / "o" / "a.json").exists()


# --- bad companion files and names ---------------------------------------------------------


@pytest.fixture(scope="module")
def sample_report():  # type: ignore[no-untyped-def]
    from safecity_extract import extract

    return extract(SAMPLE)


GOLDEN_CASES = {
    "cut_short": (lambda good: good[: len(good) // 2], "is not valid JSON"),
    "not_utf8": (lambda good: "\u00e9".encode("latin-1") + good, "is not UTF-8 text"),
    "a_list": (lambda good: b"[1, 2]", "holds a JSON list, not an object"),
    "rows_as_string": (lambda good: b'{"rows": "no"}', "has rows as a str, not a list"),
}


@pytest.mark.parametrize("case", [*GOLDEN_CASES, "a_folder"])
def test_a_broken_golden_file_is_one_error_naming_it(tmp_path, sample_report, case):
    from safecity_extract.batch import collect_inputs
    from safecity_extract.golden import judge

    (inp,) = collect_inputs([SAMPLE])
    golden = tmp_path / "word_grid_a4.json"
    if case == "a_folder":
        golden.mkdir()
        expected = "golden file is a folder, not a file"
    else:
        make, expected = GOLDEN_CASES[case]
        golden.write_bytes(make(sample_report.to_json().encode("utf-8")))
    result = judge(inp, tmp_path, False, "ok", sample_report, "")
    assert result.status == "error" and not result.passed
    assert result.error.startswith(f"{golden}: golden file ") and expected in result.error


def test_check_prints_a_broken_golden_as_one_line_and_exits_1(tmp_path):
    (tmp_path / "word_grid_a4.json").write_text('{"rows": [', "utf-8")
    result = run("check", SAMPLE, "--golden", tmp_path, "--timeout", 0, "--max-memory", 0)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"error: {tmp_path / 'word_grid_a4.json'}: golden file is not valid JSON" in result.output


def test_check_update_that_cannot_write_is_one_line(tmp_path, sample_report):
    from safecity_extract.batch import collect_inputs
    from safecity_extract.golden import judge

    (inp,) = collect_inputs([SAMPLE])
    golden = tmp_path / "golden"
    golden.write_text("a file where the golden folder should be", "utf-8")
    result = judge(inp, golden, True, "ok", sample_report, "")
    assert result.status == "error"
    assert result.error.startswith(f"{golden / 'word_grid_a4.json'}: golden file cannot be "
                                   "written (")


def test_an_agencies_field_of_200000_characters_is_a_usage_error(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("canonical,alias,kind\nBody," + "x" * 200_000 + ",name\n", "utf-8")
    result = run("agencies", "list", "--agencies", path)
    assert result.exit_code == 2
    assert "line 2: line is 200,010 characters long" in result.stderr
    assert "Traceback" not in result.stderr


def _long_agencies(n: int):  # type: ignore[no-untyped-def]
    from safecity_extract.agencies import parse_agencies

    lines = ["canonical,alias,kind"] + [f"Body {k:06d},Zone {k:06d} Trust,name" for k in range(n)]
    return parse_agencies(("\n".join(lines) + "\n").encode(), "long.csv")


def test_fuzzy_matching_on_a_long_list_scores_only_aliases_sharing_a_word(monkeypatch):
    from safecity_extract import agencies as ag

    long = _long_agencies(20_000)
    scored: list[str] = []
    real = ag._normalized_score
    monkeypatch.setattr(ag, "_normalized_score", lambda a, b: scored.append(b) or real(a, b))
    assert ag.best_fuzzy("Hampshire Fire and Rescue Service", long) == (None, 0.0)
    assert scored == []
    name, score = ag.best_fuzzy("Zone 001234 Trsut", long)
    assert name == "Body 001234" and score > 88
    assert len(scored) < 100


def _best_fuzzy_by_scoring_all(text: str, agencies) -> tuple:  # type: ignore[no-untyped-def]
    """The original definition: every alias scored, ties refused."""
    from safecity_extract.agencies import _normalized_score, normalize

    key, best = normalize(text), {}
    for canonical, alias in agencies.fuzzy_candidates:
        best[canonical] = max(_normalized_score(key, alias), best.get(canonical, 0.0))
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    if not ranked:
        return None, 0.0
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None, ranked[0][1]
    return ranked[0]


def test_fast_fuzzy_matching_gives_exactly_the_results_of_scoring_every_alias():
    from safecity_extract.agencies import best_fuzzy, load_agencies

    shipped = load_agencies()
    cases = Path(__file__).parent / "data"
    texts = [row[0] for name in ("agency_cases.csv", "agency_threshold_cases.csv")
             for row in csv.reader((cases / name).open(encoding="utf-8"))]
    texts += ["", "Hampshire", "Fire", "City Council", "Southampton City Councel", "Polise"]
    for agencies in (shipped, _long_agencies(300)):
        for text in texts + ["Zone 000123 Trust", "Zone 0012 Trust", "Body 000007"]:
            assert best_fuzzy(text, agencies) == _best_fuzzy_by_scoring_all(text, agencies), text


def test_a_timeout_during_matching_says_it_was_matching():
    from safecity_extract.agencies import match_agencies
    from safecity_extract.workers import SoftTimeout, soft_deadline, timeout_message

    long = _long_agencies(3000)
    give_up = time.monotonic() + 30  # a lost alarm fails the test, never hangs it
    with pytest.raises(SoftTimeout) as caught, soft_deadline(0.3):
        while time.monotonic() < give_up:
            match_agencies("Zone 0012 Trust / Body 7 Trust", long)
    assert timeout_message("r.pdf", 120, caught.value) == (
        "r.pdf: timed out after 120 s while matching lead agencies (the agencies file is too "
        "long or odd)")
    assert timeout_message("r.pdf", 120, SoftTimeout()) == "r.pdf: timed out after 120 s"


class _BusyFinalizer:
    """Garbage whose finalizer runs long enough for an alarm to land inside it."""

    def __del__(self) -> None:
        end = time.monotonic() + 0.05
        while time.monotonic() < end:
            pass


def test_a_soft_timeout_swallowed_by_a_finalizer_is_raised_again():
    # Python prints and drops an exception raised in __del__: the flake of the test above
    # (the alarm fell into a finalizer run by the garbage collector, and the loop ran on)
    from safecity_extract.workers import SoftTimeout, soft_deadline

    give_up = time.monotonic() + 10
    swallowed = []
    hook = sys.unraisablehook
    sys.unraisablehook = lambda u: swallowed.append(u.exc_type)
    try:
        with pytest.raises(SoftTimeout), soft_deadline(0.01):
            while time.monotonic() < give_up:
                _BusyFinalizer()
                if swallowed:  # the first alarm was lost in __del__: the next one must come
                    while time.monotonic() < give_up:
                        pass
    finally:
        sys.unraisablehook = hook
    assert swallowed and swallowed[0] is SoftTimeout
    assert time.monotonic() < give_up


def test_library_warnings_never_reach_stderr_without_the_file_name(tmp_path, capfd, caplog):
    from safecity_extract import extract
    from safecity_extract.errors import SafecityError

    # an Info value that refers to itself: pdfplumber logs "[WARNING] Metadata key ..."
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               stream(b"BT ET"), b"<< /Title 6 0 R >>", b"[6 0 R]"]
    data = pdf_bytes(objects).replace(b"/Root 1 0 R", b"/Root 1 0 R /Info 5 0 R")
    pdf = tmp_path / "meta.pdf"
    pdf.write_bytes(data)
    with pytest.raises(SafecityError):
        extract(pdf)
    assert any("[WARNING] Metadata key" in r.getMessage() for r in caplog.records)
    assert "WARNING" not in capfd.readouterr().err


def noisy_pdf() -> bytes:
    """A one-row progress table whose Info title refers to itself (pdfplumber logs "[WARNING]
    Metadata key ...") and whose link annotation has Contents that are neither UTF-8 nor
    UTF-16 (pdfplumber warns "Could not decode Contents of annotation")."""
    cells = [["Priority", "Action", "Lead Agency", "Update"], ["1", "Do a thing", "Police", "Done"]]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R"
        b" >> >> /Contents 4 0 R /Annots [8 0 R] >>",
        stream(grid_content(cells)), b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title 7 0 R >>", b"[7 0 R]",
        b"<< /Type /Annot /Subtype /Link /Rect [72 600 200 620] /Contents <FF>"
        b" /A << /S /URI /URI (http://x) >> >>"]
    return pdf_bytes(objects).replace(b"/Root 1 0 R", b"/Root 1 0 R /Info 6 0 R")


# (tables opens PDFs as review does; the batch, the in-turn reader and a single-file job)
@pytest.mark.parametrize("command", ["extract", "summary", "review"])
def test_library_log_lines_and_warnings_reach_stderr_in_no_command(tmp_path, capfd, command):
    pdf = tmp_path / "noisy.pdf"
    pdf.write_bytes(noisy_pdf())
    target = {"extract": ["--out", tmp_path / "o", "--workers", 1], "summary": [],
              "tables": ["--out", tmp_path / "o"], "review": ["--out", tmp_path / "r.html"]}
    result = run(command, pdf, *target[command])
    assert result.exit_code == 0, result.output
    err = capfd.readouterr().err + result.stderr  # the workers' stderr is this process's
    assert "WARNING" not in err and "Warning" not in err and "Could not decode" not in err
    assert "warning:" not in err  # (and the undecodable annotation costs no page)


def test_file_names_with_newlines_and_escapes_are_printed_escaped(tmp_path):
    name = "bad\nname\x1b[2J\x1b[31m.pdf"
    (tmp_path / name).write_bytes(b"%PDF-1.4\nbroken")
    shutil.copyfile(SAMPLE, tmp_path / "good\x07.pdf")
    result = run("extract", tmp_path, "--out", tmp_path / "o", "--workers", 1)
    assert result.exit_code == 1
    err = result.stderr
    assert "\x1b" not in err and "\x07" not in err
    lines = err.splitlines()
    assert lines[0].startswith("error: ") and "bad\\nname\\x1b[2J\\x1b[31m.pdf: " in lines[0]
    assert lines[1].startswith("1 file ok, 1 failed")
    check = run("check", tmp_path / "good\x07.pdf", "--golden", tmp_path / "g",
                "--timeout", 0, "--max-memory", 0)
    assert "\x07" not in check.output and "good\\x07.pdf" in check.output
