"""The smaller points of issue 18: --help not cut, check into a missing folder, review --out
DIR/, index.pdf's review page, the progress label, the worker start-up message, inspect's
default resolution, --format in capitals, failures printed as they happen, the summary's time
with the review pages."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from safecity_extract.cli import fit_label, main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "word_grid_a4.pdf"


def _run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_top_level_help_shows_whole_descriptions():
    out = _run("--help").output
    commands = out.split("Commands:")[1]
    assert "..." not in commands
    assert "every difference." in " ".join(commands.split())


def test_check_into_a_missing_folder_warns_and_says_what_was_created(tmp_path):
    typo = tmp_path / "typo"
    res = _run("check", SAMPLE, "--golden", typo)
    assert res.exit_code == 1 and not typo.exists()
    assert f"warning: --golden {typo}: no such folder (a typo?)" in res.stderr
    res = _run("check", SAMPLE, "--golden", typo, "--update")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[-1] == f"created folder: {typo}"


def test_review_out_folder_gets_a_page_named_after_the_pdf(tmp_path):
    res = _run("review", SAMPLE, "--out", f"{tmp_path / 'pages'}/")
    assert res.exit_code == 0, res.output
    assert [p.name for p in (tmp_path / "pages").iterdir()] == ["word_grid_a4.html"]


def test_an_input_named_index_keeps_its_review_page(tmp_path):
    shutil.copyfile(SAMPLE, tmp_path / "index.pdf")
    res = _run("extract", tmp_path / "index.pdf", "--out", tmp_path / "out", "--review", "-q")
    assert res.exit_code == 0, res.output
    review = tmp_path / "out" / "review"
    assert sorted(p.name for p in review.iterdir()) == ["index-2.html", "index.html"]
    assert 'href="index-2.html"' in (review / "index.html").read_text("utf-8")


def test_progress_label_is_cut_from_the_left_to_fit():
    name = "a-very-long-folder/an-even-longer-report-file-name-2019-2020-final-v2.pdf"
    label = fit_label("22 rows, ", name, 50)
    assert len(label) == 50 and label.startswith("22 rows, …") and label.endswith("v2.pdf")
    assert fit_label("1 rows, ", "a.pdf", 50) == "1 rows, a.pdf"


def test_inspect_default_resolution_keeps_text_legible():
    from safecity_extract.inspect import INSPECT_RESOLUTION

    assert INSPECT_RESOLUTION >= 110
    option = next(p for p in main.commands["inspect"].params if p.name == "resolution")
    assert option.default == INSPECT_RESOLUTION


def test_a_script_without_the_main_guard_is_told_so(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "batch_script.py"
    script.write_text(
        "from safecity_extract import collect_inputs, run_batch\n"
        "from safecity_extract.batch import executor_for\n"
        f"result = run_batch(collect_inputs([{str(SAMPLE)!r}]), {str(tmp_path / 'out')!r},"
        " executor=executor_for(1))\n"
        "print(result.files[0].error)\n", "utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert "worker process could not start" in done.stdout
    assert 'if __name__ == "__main__":' in done.stdout
    assert "memory" not in done.stdout


def test_format_names_are_taken_in_capitals(tmp_path):
    for upper, lower in (("CSV", "csv"), ("JSONL", "jsonl"), ("Json", "json")):
        shouted = _run("extract", SAMPLE, "-o", "-", "--format", upper)
        assert shouted.exit_code == 0, shouted.stderr
        assert shouted.stdout == _run("extract", SAMPLE, "-o", "-", "--format", lower).stdout
    both = _run("extract", SAMPLE, "--out", tmp_path, "--format", "BOTH", "-q")
    assert both.exit_code == 0, both.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["word_grid_a4.csv",
                                                          "word_grid_a4.json"]


def test_a_failed_file_is_reported_as_it_happens_not_at_the_end(tmp_path):
    """a.pdf fails at once; b.pdf then runs into its --timeout: a's line is printed while b
    is still being read, seconds before b's."""
    import subprocess
    import sys
    import time

    sys.path.insert(0, str(Path(__file__).parent))
    from test_hostile import self_length_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"hello, not a PDF at all\n")
    (folder / "b.pdf").write_bytes(self_length_pdf())
    cli = [sys.executable, "-m", "safecity_extract", "extract", str(folder), "--out",
           str(tmp_path / "out"), "--workers", "1", "--timeout", "3"]
    started = time.monotonic()
    run = subprocess.Popen(cli, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert run.stderr is not None
    lines = [(time.monotonic() - started, line.rstrip("\n")) for line in run.stderr]
    assert run.wait(timeout=60) == 1
    when = {name: next(t for t, line in lines if f"{name}.pdf:" in line) for name in "ab"}
    assert [line for _, line in lines][-1].startswith("0 files ok, 2 failed")
    assert lines[0][1].startswith(f"error: {folder / 'a.pdf'}: ")
    assert when["b"] - when["a"] >= 1.5  # b's 3 s ran after a's line was out


def test_the_summary_time_includes_the_review_pages(tmp_path, monkeypatch):
    import importlib
    import re
    import time

    review = importlib.import_module("safecity_extract.review")  # not sx.review, the function
    real = review.review_batch

    def slow(*args, **kwargs):
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(review, "review_batch", slow)
    result = _run("extract", SAMPLE, "--out", tmp_path, "--review", "--workers", "1")
    assert result.exit_code == 0, result.stderr
    seconds = float(re.search(r"1 file ok, 0 failed, 22 rows, ([\d.]+) s", result.stderr)[1])
    assert seconds >= 1.5
