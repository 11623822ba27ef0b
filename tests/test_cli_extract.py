"""`safecity-extract extract` and `check` on copies of the sample PDFs, with the real extractor."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from safecity_extract.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Nested copies of samples, a name clash, a non-PDF file and a truncated PDF."""
    root = tmp_path_factory.mktemp("tree") / "in"
    copies = {"a/report.pdf": "reportlab_shaded.pdf", "b/report.pdf": "reportlab_plain_landscape.pdf",
              "b/deeper/grid.PDF": "word_grid_a4.pdf", "top.pdf": "word_landscape_norepeat.pdf"}
    for dest, sample in copies.items():
        (root / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / sample, root / dest)
    (root / "a" / "notes.txt").write_text("not a pdf", "utf-8")
    data = (SAMPLES / "word_grid_a4.pdf").read_bytes()
    (root / "b" / "broken.pdf").write_bytes(data[: len(data) // 3])
    return root


@pytest.fixture(scope="module")
def runs(tree, tmp_path_factory) -> dict[int, tuple]:
    """The tree extracted with 1 and with 2 workers: {workers: (result, out folder)}."""
    out = {}
    for n in (1, 2):
        folder = tmp_path_factory.mktemp(f"out{n}")
        result = run("extract", tree, "--out", folder / "out", "-r", "--workers", n,
                     "--combined", folder / "all.csv", "--db", folder / "r.sqlite")
        out[n] = (result, folder)
    return out


def test_batch_output_is_byte_identical_for_1_and_2_workers(runs):
    one, two = _outputs(runs[1][1] / "out"), _outputs(runs[2][1] / "out")
    assert sorted(one) == ["a/report.csv", "a/report.json", "b/deeper/grid.csv",
                           "b/deeper/grid.json", "b/report.csv", "b/report.json",
                           "top.csv", "top.json"]
    assert one == two
    assert (runs[1][1] / "all.csv").read_bytes() == (runs[2][1] / "all.csv").read_bytes()


def test_name_clash_keeps_both_reports(runs):
    out = runs[1][1] / "out"
    a = json.loads((out / "a" / "report.json").read_text("utf-8"))
    b = json.loads((out / "b" / "report.json").read_text("utf-8"))
    assert a["source"]["sha256"] != b["source"]["sha256"]


def test_broken_pdf_is_reported_and_exit_code_is_1(runs, tree):
    for result, _ in runs.values():
        assert result.exit_code == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert errors == [f"error: {tree / 'b' / 'broken.pdf'}: " + errors[0].split(": ", 2)[2]]
        assert "PDF" in errors[0]
        assert "4 files ok, 1 failed" in result.stderr
        assert "Traceback" not in result.stderr


def test_combined_csv_and_db_cover_every_good_file(runs):
    folder = runs[2][1]
    combined = pd.read_csv(folder / "all.csv", dtype=str, keep_default_na=False)
    assert list(combined.columns[:8]) == ["source_path", "source_file", "row", "priority",
                                          "action", "lead_agency", "lead_agencies", "update"]
    per_file = combined.groupby("source_path").size().to_dict()
    out = folder / "out"
    tree = Path(json.loads((out / "top.json").read_text("utf-8"))["source"]["path"]).parent
    assert per_file == {
        (tree / name).as_posix(): len(json.loads((out / (stem + ".json")).read_text("utf-8"))["rows"])
        for name, stem in [("a/report.pdf", "a/report"), ("b/report.pdf", "b/report"),
                           ("b/deeper/grid.PDF", "b/deeper/grid"), ("top.pdf", "top")]}
    assert set(combined["source_file"]) == {"report.pdf", "grid.PDF", "top.pdf"}
    with sqlite3.connect(folder / "r.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (4,)
        assert conn.execute("SELECT count(*) FROM rows").fetchone() == (len(combined),)


def test_db_twice_gives_the_same_row_count(tmp_path):
    db = tmp_path / "r.sqlite"
    counts = []
    for _ in range(2):
        result = run("extract", SAMPLES / "reportlab_shaded.pdf", SAMPLES / "word_grid_a4.pdf",
                     "--out", tmp_path / "out", "--db", db, "--format", "json")
        assert result.exit_code == 0, result.output
        with sqlite3.connect(db) as conn:
            counts.append(conn.execute("SELECT count(*) FROM rows").fetchone()[0])
    assert counts[0] == counts[1] == len(
        json.loads((tmp_path / "out" / "reportlab_shaded.json").read_text())["rows"]) + len(
        json.loads((tmp_path / "out" / "word_grid_a4.json").read_text())["rows"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "reportlab_shaded.json", "word_grid_a4.json"]


def test_skip_existing_and_quiet(tmp_path):
    args = ["extract", SAMPLES / "reportlab_shaded.pdf", "--out", tmp_path]
    assert run(*args).exit_code == 0
    again = run(*args, "--skip-existing")
    assert again.exit_code == 0
    assert "1 file ok (1 unchanged, skipped), 0 failed" in again.stderr
    quiet = run(*args, "--skip-existing", "--quiet")
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "notes.txt").write_text("x", "utf-8")
    none = run("extract", tmp_path, "--out", tmp_path / "out")
    assert none.exit_code == 2
    assert none.stderr.strip() == f"error: {tmp_path}: no PDF files found (add -r to look in subfolders)"
    assert run("extract", tmp_path, "--out", tmp_path / "o", "--workers", "0").exit_code == 2
    assert run("extract", tmp_path / "missing.pdf", "--out", tmp_path / "o").exit_code == 2
    assert run("extract", tmp_path).exit_code == 2  # no --out


def test_verbose_shows_the_traceback(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes((SAMPLES / "word_grid_a4.pdf").read_bytes()[:500])
    quiet = run("extract", bad, "--out", tmp_path / "o")
    loud = run("extract", bad, "--out", tmp_path / "o", "-v")
    assert quiet.exit_code == loud.exit_code == 1
    assert "Traceback" not in quiet.stderr and "Traceback" in loud.stderr
    assert quiet.stderr.splitlines()[0].startswith(f"error: {bad}: ")


# --- check ---------------------------------------------------------------------------------


def test_check_exit_codes_and_diff_output(tmp_path):
    pdf, golden = SAMPLES / "reportlab_plain_landscape.pdf", tmp_path / "golden"
    missing = run("check", pdf, "--golden", golden)
    assert missing.exit_code == 1
    assert "missing golden" in missing.stdout and not golden.exists()

    created = run("check", pdf, "--golden", golden, "--update")
    assert created.exit_code == 0
    assert "created: " in created.stdout
    assert sorted(p.name for p in golden.iterdir()) == ["reportlab_plain_landscape.csv",
                                                        "reportlab_plain_landscape.json"]
    assert run("check", pdf, "--golden", golden).exit_code == 0

    path = golden / "reportlab_plain_landscape.json"
    data = json.loads(path.read_text("utf-8"))
    old = data["rows"][1]["action"]
    data["rows"][1]["action"] = old + " and more"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    diff = run("check", pdf, "--golden", golden)
    assert diff.exit_code == 1
    assert "row 2, action:" in diff.stdout
    assert "[-and more-]" in diff.stdout
    assert "1 difference: 1 changed field" in diff.stdout

    fixed = run("check", pdf, "--golden", golden, "--update")
    assert fixed.exit_code == 0 and "updated: " in fixed.stdout
    assert run("check", pdf, "--golden", golden).exit_code == 0


def test_check_error_file_exits_1(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    result = run("check", bad, "--golden", tmp_path / "golden", "--update")
    assert result.exit_code == 1
    assert f"error: {bad}: " in result.stdout
