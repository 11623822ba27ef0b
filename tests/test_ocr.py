"""Scanned pages: Tesseract's words as page records, the missing-OCR error, agency names
under OCR noise, and end to end on a committed scan (samples/scans) and a mixed document."""
from __future__ import annotations

import csv
import functools
import io
import os
import signal
import sys
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from rapidfuzz import fuzz

import safecity_extract as sx
from safecity_extract.agencies import FUZZY_THRESHOLD, match_agencies
from safecity_extract.cli import main
from safecity_extract.errors import OcrUnavailable
from safecity_extract.executors import LocalPool
from safecity_extract.limits import DEFAULT_MAX_MEMORY_MB
from safecity_extract.model import FLAG_OCR, FLAG_OCR_LOW
from safecity_extract.ocr import words_from_data
from safecity_extract.workers import Bounds

sys.path.insert(0, str(Path(__file__).parent))
from expected import SAMPLES_DIR, expected_rows  # noqa: E402

SCAN = SAMPLES_DIR / "scans" / "word_grid_a4_150dpi.pdf"
SAMPLE = SAMPLES_DIR / "word_grid_a4.pdf"
TEXT_FIELDS = ("priority", "action", "lead_agency", "update")
DATA = Path(__file__).parent / "data"


def tsv(rows: list[tuple[int, int, int, int, int, int, int, float, str]]) -> dict[str, list]:
    """A hand-made ``image_to_data`` table: (level, line, left, top, width, height, ..)."""
    keys = ("level", "line_num", "left", "top", "width", "height", "word_num", "conf", "text")
    out: dict[str, list] = {k: [] for k in keys}
    for row in rows:
        for k, v in zip(keys, row):
            out[k].append(v)
    n = len(rows)
    out["page_num"], out["block_num"], out["par_num"] = [1] * n, [1] * n, [1] * n
    return out


def test_words_of_one_line_get_one_text_layer_box():
    # "one" is x-height ink, "Hampshire" ascender to descender, "tidy" descends: 10 px = 0.52 em
    data = tsv([(4, 1, 100, 80, 300, 20, 0, -1, ""),
                (5, 1, 100, 85, 40, 10, 1, 96.0, "one"),
                (5, 1, 150, 81, 90, 18, 2, 91.0, "Hampshire"),
                (5, 1, 250, 81, 40, 18, 3, 40.0, "tidy"),
                (5, 1, 300, 80, 10, 10, 4, 95.0, " ")])
    words = words_from_data(data, 0.5)
    assert [w.text for w in words] == ["one", "Hampshire", "tidy"]
    assert len({(w.top, w.bottom, w.size) for w in words}) == 1
    one = words[0]
    assert (one.x0, one.x1) == (50.0, 70.0)
    assert one.size == pytest.approx(9.7, abs=0.3)       # the font size, not the ink height
    assert one.bottom - 47.5 == pytest.approx(0.21 * one.size, abs=0.3)  # baseline at y=95 px
    assert [w.confidence for w in words] == [96.0, 91.0, 40.0]


def test_born_digital_words_have_no_confidence():
    assert sx.extract(SAMPLE).rows  # sanity: the text layer is read as before
    from safecity_extract.pdf import Document

    with Document(SAMPLE, ocr="auto") as doc:
        page = next(p for p in doc.pages())
    assert not page.ocr and all(w.confidence is None for w in page.words)


@pytest.mark.parametrize("case", list(csv.DictReader(
    line for line in open(DATA / "agency_ocr_cases.csv", encoding="utf-8")
    if not line.startswith("#"))), ids=lambda c: c["text"])
def test_agency_names_misread_by_ocr_still_match(case):
    matches = match_agencies(case["text"])
    assert [m.name for m in matches] == case["names"].split("; ")
    for m in matches:
        assert m.method in ("exact", "fuzzy") and FUZZY_THRESHOLD <= m.score <= 100


def test_missing_tesseract_is_one_line_saying_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract program to be found
    with pytest.raises(OcrUnavailable) as info:
        sx.extract(SCAN)
    message = str(info.value)
    assert message == (f"{SCAN}: page 1 needs OCR but it is not installed: pip install "
                       "'safecity-extract[ocr]' and install Tesseract (Debian/Ubuntu: apt "
                       "install tesseract-ocr tesseract-ocr-eng)")
    result = CliRunner().invoke(main, ["extract", str(SCAN), "--out", str(tmp_path / "out"),
                                       "--workers", "1", "-q"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {message}"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_pytesseract_is_the_same_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pytesseract", None)  # import fails
    with pytest.raises(OcrUnavailable, match=r"pip install 'safecity-extract\[ocr\]'"):
        sx.extract(SCAN)


def test_ocr_mode_is_checked():
    with pytest.raises(ValueError, match="ocr must be one of auto, always, never"):
        sx.extract(SAMPLE, ocr="sometimes")


def similar(got: str, want: str) -> bool:
    return fuzz.ratio(got, want) >= 97


@functools.lru_cache(maxsize=None)
def read_scan(path: Path) -> sx.Report:
    return sx.extract(path)


@pytest.fixture(scope="module")
def scan_report():
    return read_scan(SCAN)


# The committed scans: a full grid at 150 dpi, horizontal rules only at 200 dpi (b/w).
COMMITTED = sorted((SAMPLES_DIR / "scans").glob("*.pdf"))


@pytest.mark.parametrize("scan", COMMITTED, ids=lambda p: p.name)
def test_scan_gives_every_row_and_nearly_all_text(scan):
    assert len(COMMITTED) == 2
    report = read_scan(scan)
    truth = expected_rows(scan.stem.rsplit("_", 1)[0] + ".pdf")
    rows = report.rows
    assert len(rows) == len(truth) == 22
    cells = [(r.get(f), t[f]) for r, t in zip(rows, truth) for f in TEXT_FIELDS]
    assert sum(similar(a, b) for a, b in cells) >= 0.9 * len(cells)
    want_leads = [sorted({m.name for m in match_agencies(t["lead_agency"])}) for t in truth]
    right = sum(sorted(r.lead_agencies) == w for r, w in zip(rows, want_leads))
    assert right >= 0.95 * len(rows)
    assert all(FLAG_OCR in r.flags for r in rows)
    sx.validate(report.to_dict())


def test_low_confidence_cells_are_flagged_and_named(scan_report):
    flagged = [r for r in scan_report.rows if FLAG_OCR_LOW in r.flags]
    notes = [w.message for w in scan_report.warnings if "OCR was unsure" in w.message]
    assert flagged and len(notes) == len(flagged)
    for row, note in zip(flagged, notes):
        assert note.startswith(f"row {row.row}: OCR was unsure, check against the page: ")
        assert any(f"{field}: " in note for field in TEXT_FIELDS)


def test_review_page_lists_the_low_confidence_cells(scan_report, tmp_path):
    out = tmp_path / "review.html"
    sx.review(scan_report, out)
    html = out.read_text("utf-8")
    assert "ocr_low_confidence" in html and "OCR was unsure, check against the page" in html


def test_mixed_document_is_read_page_by_page(tmp_path):
    """The sample's text pages with its last two pages replaced by their scans."""
    mixed = tmp_path / "mixed.pdf"
    with pikepdf.open(SAMPLE) as pdf, pikepdf.open(SCAN) as scan, pikepdf.new() as out:
        n = len(pdf.pages)
        out.pages.extend(pdf.pages[:n - 2])
        out.pages.extend(scan.pages[n - 2:])
        out.save(mixed)
    report = sx.extract(mixed)
    truth = expected_rows(SAMPLE.name)
    assert len(report.rows) == 22
    for row, want in zip(report.rows, truth):
        read_by_ocr = any(b.page >= n - 1 for b in row.boxes)
        assert (FLAG_OCR in row.flags) == read_by_ocr
        if not read_by_ocr:
            assert [row.get(f) for f in TEXT_FIELDS] == [want[f] for f in TEXT_FIELDS]
    assert any(FLAG_OCR in r.flags for r in report.rows)
    texts = [(r.get(f), t[f]) for r, t in zip(report.rows, truth) for f in TEXT_FIELDS]
    assert sum(similar(a, b) for a, b in texts) >= 0.97 * len(texts)
    never = sx.extract(mixed, ocr="never")
    assert all(FLAG_OCR not in r.flags for r in never.rows)
    assert len(never.rows) < 22 or any(r.get("update") != t["update"]
                                       for r, t in zip(never.rows, truth))


def test_cli_ocr_never_on_a_scan_says_to_use_ocr(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(SCAN), "--out", str(out), "--workers",
                                       "1", "-q", "--ocr", "never"])
    assert result.exit_code == 1 and "--ocr auto" in result.stderr
    assert io.StringIO(result.stderr).read().count("\n") == 1


# --- the ocr option reaches every entry point -----------------------------------------------


def test_options_check_the_ocr_mode():
    with pytest.raises(ValueError, match="ocr must be one of auto, always, never"):
        sx.Options(ocr="sometimes")
    assert sx.Options.of(ocr="never").ocr == "never"


def test_ocr_never_reaches_batch_workers_check_review_inspect_summary_diff_tables(tmp_path):
    from safecity_extract.batch import collect_inputs, run_batch
    from safecity_extract.golden import check

    never = sx.Options(ocr="never")
    result = run_batch(collect_inputs([SCAN]), tmp_path / "out", options=never, executor=LocalPool(1))
    assert [f.status for f in result.files] == ["failed"]
    assert "read it with --ocr auto" in result.files[0].error
    [checked] = check([SCAN], tmp_path / "golden", options=never)
    assert checked.status == "error" and "read it with --ocr auto" in checked.error
    for command in (["review", str(SCAN), "--out", str(tmp_path / "r.html")],
                    ["inspect", str(SCAN), "--out", str(tmp_path / "png")],
                    ["check", str(SCAN), "--golden", str(tmp_path / "golden")],
                    ["summary", str(SCAN)], ["diff", str(SAMPLE), str(SCAN)]):
        result = CliRunner().invoke(main, [*command, "--ocr", "never"])
        assert result.exit_code == 1, command
        assert "read it with --ocr auto" in result.output + result.stderr, command
    assert not (tmp_path / "r.html").exists()
    result = CliRunner().invoke(main, ["tables", str(SCAN), "--out", str(tmp_path / "t"),
                                       "--pages", "1", "--ocr", "never"])
    assert result.exit_code == 0 and "no tables found" in result.stderr


def first_page(source: Path, target: Path) -> Path:
    with pikepdf.open(source) as pdf, pikepdf.new() as out:
        out.pages.append(pdf.pages[0])
        out.save(target)
    return target


def test_summary_and_diff_read_a_scan_by_ocr(tmp_path):
    page = first_page(SCAN, tmp_path / "scan1.pdf")
    json_out = tmp_path / "plain.json"
    json_out.write_text(sx.extract(first_page(SAMPLE, tmp_path / "page1.pdf")).to_json())
    counts = []
    for pdf in (page, tmp_path / "page1.pdf"):
        summary = CliRunner().invoke(main, ["summary", str(pdf), "--format", "csv"])
        assert summary.exit_code == 0, summary.stderr
        counts.append([line.split(",", 1)[1] for line in summary.output.splitlines()[1:]])
    assert counts[0] == counts[1] and "agency,Hampshire Constabulary,1" in counts[0]
    diff = CliRunner().invoke(main, ["diff", str(json_out), str(page), "--format", "json",
                                     "--ocr", "auto"])
    assert diff.exit_code == 0, diff.stderr
    import json
    result = json.loads(diff.output)
    assert result["added"] == [] and result["dropped"] == []  # every action paired


def test_ocr_always_reads_a_text_page_again_in_a_batch_worker(tmp_path):
    page = first_page(SAMPLE, tmp_path / "page1.pdf")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(page), "--out", str(out), "--workers",
                                       "1", "-q", "--format", "json", "--ocr", "always"])
    assert result.exit_code == 0, result.stderr
    report = sx.read_reports([out])
    assert len(report) > 0 and all(FLAG_OCR in f for f in report["flags"])
    plain = sx.extract(page)
    assert len(report) == len(plain.rows)
    assert all(FLAG_OCR not in r.flags for r in plain.rows)


def spawns_and_hangs(path: str, **kwargs: object) -> object:
    """An extractor that starts a child process (as OCR starts tesseract) and then hangs."""
    import subprocess
    import time

    child = subprocess.Popen(["sleep", "300"])
    Path(path + ".child").write_text(str(child.pid), "utf-8")
    time.sleep(300)
    raise AssertionError("not reached")


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # killed; waiting to be reaped


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_timed_out_file_takes_its_child_processes_with_it(tmp_path):
    import time

    from safecity_extract.batch import collect_inputs, run_batch

    pdf = tmp_path / "hangs.pdf"
    pdf.write_bytes(SAMPLE.read_bytes())
    result = run_batch(collect_inputs([pdf]), tmp_path / "out", executor=LocalPool(1), bounds=Bounds(2, DEFAULT_MAX_MEMORY_MB),
                       extract_fn=spawns_and_hangs)
    assert [f.status for f in result.files] == ["failed"]
    pid = int((tmp_path / "hangs.pdf.child").read_text("utf-8"))
    deadline = time.monotonic() + 30
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    gone = _gone(pid)
    if not gone:
        os.kill(pid, signal.SIGKILL)  # leave nothing behind, even when the test fails
    assert gone


def _session_processes(session: int) -> dict[int, str]:
    """pid -> command name of every process in ``session`` (descendants of a process started
    with start_new_session=True, whatever process groups they make)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        fields = rest.split()
        if int(fields[3]) == session and fields[0] not in ("Z", "X"):
            found[int(stat.parent.name)] = name
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_timeout_stops_a_real_ocr_run_with_one_line_and_nothing_left_running(tmp_path):
    """Tesseract on the 4-page scan takes tens of seconds; --timeout 8 ends it: one error
    line naming the file, no traceback, exit 1, and no worker or tesseract left behind. (8 s,
    not less: on a loaded machine imports and rasterising alone took over 2 s, and the
    timeout then struck before OCR began.)"""
    import subprocess
    import time

    env = dict(os.environ, TMPDIR=str(tmp_path))  # pytesseract's images go here
    cli = [sys.executable, "-m", "safecity_extract", "extract", str(SCAN), "--out",
           str(tmp_path / "out"), "--timeout", "8", "--workers", "1"]
    started = time.monotonic()
    run = subprocess.Popen(cli, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, start_new_session=True)
    seen: set[str] = set()
    while run.poll() is None and time.monotonic() - started < 60:
        seen.update(_session_processes(run.pid).values())
        time.sleep(0.05)
    out, err = run.communicate(timeout=30)
    took = time.monotonic() - started
    left = _session_processes(run.pid)
    for pid in left:  # leave nothing behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert "tesseract" in seen  # the timeout stopped OCR, not something before it
    assert run.returncode == 1 and took < 30
    assert "Traceback" not in err + out
    about_file = [line for line in err.splitlines() if SCAN.name in line]
    assert about_file == [f"error: {SCAN}: timed out after 8 s"]
    assert not left, left
    assert not list((tmp_path / "out").glob("*.json"))


# --- ink the page's read skipped ------------------------------------------------------------


def _forgetting_all(monkeypatch: pytest.MonkeyPatch, crops_read: bool) -> None:
    """Tesseract's page read loses the word "All" (as it does with a short word alone in a
    large cell on some scans); region reads work, or give nothing when not ``crops_read``."""
    import safecity_extract.ocr as ocr_module

    real = ocr_module._image_to_data

    def forgetful(pt, image, settings, psm):
        data = real(pt, image, settings, psm)
        if psm == settings.ocr_region_psm and not crops_read:
            return {k: [] for k in data}
        if psm != settings.ocr_region_psm:
            keep = [i for i, t in enumerate(data["text"]) if str(t).strip() != "All"]
            data = {k: [v[i] for i in keep] for k, v in data.items()}
        return data

    monkeypatch.setattr(ocr_module, "_image_to_data", forgetful)


def test_a_word_the_page_read_skipped_is_read_on_its_own(monkeypatch, tmp_path):
    page = first_page(SCAN, tmp_path / "scan1.pdf")
    truth = expected_rows(SAMPLE.name)
    _forgetting_all(monkeypatch, crops_read=True)
    report = sx.extract(page)
    leads = [r.get("lead_agency") for r in report.rows]
    assert leads and leads == [t["lead_agency"] for t in truth[:len(leads)]]
    assert "All" in leads


def test_ink_read_as_nothing_flags_its_cell(monkeypatch, tmp_path):
    page = first_page(SCAN, tmp_path / "scan1.pdf")
    truth = expected_rows(SAMPLE.name)
    _forgetting_all(monkeypatch, crops_read=False)
    report = sx.extract(page)
    lost = [r for r, t in zip(report.rows, truth) if t["lead_agency"] == "All"]
    assert lost and all(r.get("lead_agency") == "" for r in lost)  # not guessed ...
    notes = {w.message.split(":")[0]: w.message for w in report.warnings}
    for row in lost:  # ... but flagged, and the warning says where to look
        assert FLAG_OCR_LOW in row.flags
        assert "lead_agency: ink it read no text from at page 1 (" in notes[f"row {row.row}"]
